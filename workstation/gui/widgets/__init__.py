"""Reusable widgets and item models used by the panels."""
