"""Importing published reports (PDF, Word, HTML, text) into the content model."""
