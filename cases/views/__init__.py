"""The cases app's views, one module per screen family; cases/urls.py names them."""
