"""The append-only audit log of staff and moderator actions."""
