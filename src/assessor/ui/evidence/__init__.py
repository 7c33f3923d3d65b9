"""The evidence of a submission: its files, and a viewer for PDFs, images and text."""
