"""Request and response models, one module per resource (families: …Create, …Update, …Public)."""
