"""The ceiling: the smallest Flask page, served by gunicorn exactly like the application."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"
