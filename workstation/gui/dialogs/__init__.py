"""Dialogs: each asks for one thing or shows one result."""
