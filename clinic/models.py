"""The care side: appointments and between-visit plans (to come)."""
