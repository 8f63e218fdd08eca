"""The placements API."""
