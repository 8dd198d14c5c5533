from recommendations import services, tasks


def spy_refreshes(monkeypatch) -> dict[str, list]:
    """Record the refreshes queued (not sent) and the lists computed (still computed)."""
    calls: dict[str, list] = {"queued": [], "computed": []}
    compute = services.user_recommendations_update
    monkeypatch.setattr(tasks, "enqueue_on_commit", lambda task, *args: calls["queued"].append(args))

    def spy(*, user_id):
        calls["computed"].append(user_id)
        return compute(user_id=user_id)

    monkeypatch.setattr(services, "user_recommendations_update", spy)
    return calls
