"""After-sales tickets: returns, exchanges, reships, compensation, notes thread."""
