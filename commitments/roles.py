"""What each role may do in Django's admin (the office's alone), kept as one group per role."""

from django.contrib.auth.models import Group, Permission

from .models import User

# Model permissions per role; row-level scoping (own organisation) is applied by the admin.
ROLE_PERMISSIONS = {
    User.Role.OFFICE: {
        "organisation": "view add change",
        "user": "view add change",
        "session": "view add change",
        "proposal": "view add change",
        "reply": "view add change",
        "measure": "view add change delete",
        "commitment": "view add change",
        "progressupdate": "view add change",
        "evidence": "view add change delete",
        "review": "view",
        "reviewmessage": "view",
        "satisfactionrating": "view",
        "rehandling": "view add change",
        "follow": "view",
    },
    # Bureau staff and members work in the workspace only (permissions.can_use_admin).
    User.Role.STAFF: {},
    User.Role.MEMBER: {},
}

ROLE_GROUP_NAMES = {
    User.Role.OFFICE: "Supervising office",
    User.Role.STAFF: "Bureau staff",
    User.Role.MEMBER: "Committee members",
}


def role_group(role: str) -> Group:
    """The group for a role, created with its permissions on first use."""
    group, created = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
    if created:
        codenames = [
            f"{action}_{model}"
            for model, actions in ROLE_PERMISSIONS[role].items()
            for action in actions.split()
        ]
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["commitments"], codename__in=codenames
            )
        )
    return group


def assign_role(user: User, role: str, organisation=None) -> None:
    user.role = role
    user.organisation = organisation
    # The admin is the office's tool; bureau staff and members work in the workspace.
    user.is_staff = role == User.Role.OFFICE or user.is_superuser
    user.save()
    user.groups.set([role_group(role)])
