"""Request and response models (Create / Update / Read) per area."""
