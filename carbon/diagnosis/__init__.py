"""Low-carbon and smart-manufacturing diagnosis over an inventory result."""
