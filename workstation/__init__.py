"""AIGC Evidence Workstation: offline examination of AI-generated images as evidence."""

__version__ = "0.1.0"
APP_NAME = "AIGC Evidence Workstation"
