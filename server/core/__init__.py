"""The pure core: scoring, statistics, periods and charts. No Flask, no peewee."""
