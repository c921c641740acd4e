"""Reusable widgets of the desk."""
