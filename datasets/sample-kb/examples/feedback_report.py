"""Example: summarise Lore's answer feedback from its SQLite database."""

import sqlite3
from collections import Counter


def load_reactions(db_path):
    """Returns (reaction, count) pairs from the feedback table."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT reaction FROM feedback").fetchall()
    return Counter(row[0] for row in rows).most_common()


class FeedbackReport:
    """Prints the share of positive feedback per day."""

    def __init__(self, db_path):
        self.db_path = db_path

    def daily_positive_share(self):
        with sqlite3.connect(self.db_path) as db:
            rows = db.execute(
                "SELECT date(created_at), avg(reaction = '+1') FROM feedback GROUP BY 1 ORDER BY 1"
            ).fetchall()
        return {day: share for day, share in rows}


if __name__ == "__main__":
    print(load_reactions(".lore/lore.db"))
