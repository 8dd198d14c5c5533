"""Field limits come from the models, so forms, serializers and the database agree."""


def model_limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length
