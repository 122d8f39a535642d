"""Synthetic demo data at scale (`manage.py generate_demo_data`), for load tests and demos.

`phrases` composes the Chinese text, `stories` decides each commitment's history in pure Python,
`build` writes it to the database in bulk.
"""
