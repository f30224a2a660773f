"""Users, roles (Django groups) and who may open which page. A separate app because identity and access cut across every domain app and sit below all of them."""
