"""What every catalog area builds on: the declarative ``Base`` (one metadata, one Alembic history),
input helpers every area's schemas use (trimmed text, the ``cursor``/``limit`` page), an idempotent
insert and the newest-first keyset page (``queries``), and turning a foreign key that fails because an
item was deleted meanwhile into that item's NotFound (``references``). Nothing here knows an area."""
