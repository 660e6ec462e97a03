"""Feeds and web pages: subscriptions (RSS, Atom), a polite fetcher, OPML, items as articles.

Subscriptions and their fetch state live in `user_data_dir/feeds.sqlite3`; each item becomes a
Markdown article in `user_data_dir/articles/`, named by a hash of its guid (or link), so a
re-fetch never duplicates it and notes on it survive.
"""
