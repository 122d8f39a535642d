// Import preview, enhanced: move rows up and down and add rows without retyping positions.
// Everything here also works without JavaScript: positions are typed, empty rows are already there.
(function () {
  "use strict";

  function rows(section) {
    return Array.prototype.slice.call(section.querySelectorAll(".item-rows > .item-row"));
  }

  function isBlank(row) {
    return Array.prototype.every.call(
      row.querySelectorAll("input[name$='-title'], textarea[name$='-text']"),
      function (field) { return field.value.trim() === ""; }
    );
  }

  // Number the rows in the order shown. An untouched empty row keeps a blank position: the
  // server leaves such rows out, but would reject one that had a position and no text.
  function renumber(section) {
    rows(section).forEach(function (row, index) {
      var order = row.querySelector("input[name$='-ORDER']");
      if (order && (order.value !== "" || !isBlank(row))) { order.value = index + 1; }
      var number = row.querySelector(".row-number");
      if (number) { number.textContent = index + 1; }
    });
  }

  function sortByOrder(section) {
    var keyed = rows(section).map(function (row, index) {
      var value = parseInt(row.querySelector("input[name$='-ORDER']").value, 10);
      return { row: row, key: isNaN(value) ? Infinity : value, index: index };
    });
    keyed.sort(function (a, b) { return a.key - b.key || a.index - b.index; });
    var container = section.querySelector(".item-rows");
    keyed.forEach(function (item) { container.appendChild(item.row); });
  }

  function announce(section, text) {
    var status = section.querySelector(".row-status");
    if (status) { status.textContent = text; }
  }

  function addMoveButtons(section, row) {
    if (row.querySelector(".row-move")) { return; }
    var controls = row.querySelector(".row-controls");
    var labels = section.dataset;
    [["up", labels.moveUp], ["down", labels.moveDown]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "row-move secondary";
      button.dataset.direction = pair[0];
      button.textContent = pair[1];
      controls.appendChild(button);
    });
  }

  function move(section, row, direction) {
    var sibling = direction === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) { return; }
    if (direction === "up") {
      row.parentNode.insertBefore(row, sibling);
    } else {
      row.parentNode.insertBefore(sibling, row);
    }
    renumber(section);
    var legend = row.querySelector("legend");
    announce(section, legend ? legend.textContent.trim() : "");
    row.querySelector("button[data-direction='" + direction + "']").focus();
  }

  function addRow(section) {
    var total = section.querySelector("input[name$='-TOTAL_FORMS']");
    var template = section.querySelector("template.empty-row");
    var index = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    section.querySelector(".item-rows").appendChild(row);
    total.value = index + 1;
    addMoveButtons(section, row);
    renumber(section);
    row.querySelector("input, textarea").focus();
  }

  function enhance(section) {
    rows(section).forEach(function (row) { addMoveButtons(section, row); });
    var add = document.createElement("button");
    add.type = "button";
    add.className = "row-add secondary";
    add.textContent = section.dataset.addRow;
    var status = document.createElement("p");
    status.className = "row-status visually-hidden";
    status.setAttribute("aria-live", "polite");
    section.appendChild(add);
    section.appendChild(status);
    section.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.classList.contains("row-move")) {
        move(section, button.closest(".item-row"), button.dataset.direction);
      } else if (button.classList.contains("row-add")) {
        addRow(section);
      }
    });
    section.addEventListener("change", function (event) {
      // A typed position moves the row there; text typed into an empty row between others
      // gives it the position where it stands.
      if (event.target.name && /-ORDER$/.test(event.target.name)) { sortByOrder(section); }
      renumber(section);
    });
  }

  document.querySelectorAll("section[data-formset]").forEach(enhance);
})();
