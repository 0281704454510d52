INSERT INTO probe_rows (label) VALUES ('first'), ('second'), ('third');
