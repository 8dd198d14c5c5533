"""`<foreign key>__any_of=[ids]`: a key among many ids, as one parameter on PostgreSQL.

`__in` sends one parameter per id: for the hundred posts of a page, preparing and binding
them costs more CPU than the query itself, on every request of a shared page. On
PostgreSQL this sends one array (`= ANY(%s)`); elsewhere (SQLite) it is a plain IN.
Integer keys only.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, Lookup


@ForeignKey.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)
