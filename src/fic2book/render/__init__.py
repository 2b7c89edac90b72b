"""Output rendering: cover images and book formats built from the detected story."""
