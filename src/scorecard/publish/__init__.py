"""Publishing: executing the section notebooks (papermill) and making the website and PDF from them."""
