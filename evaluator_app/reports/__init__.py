"""PDF documents made with reportlab: score sheets and the evaluation report."""
