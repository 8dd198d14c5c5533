"""The wrk row of readers on their own profile: each request's session is the reader whose page it asks for."""

from bench import feed, ratios


def test_the_plan_has_a_row_of_returning_readers_on_their_own_profiles():
    readers = [{"username": f"leitor{n:05d}"} for n in range(1, 301)]
    fixtures = {
        "hot": {page: ["/"] for page in ratios.HOT_PAGES},
        "tail": {page: ["/"] for page in ratios.TAIL_PAGES},
        "readers": readers,
        "own_profiles": [f"/leitores/{reader['username']}/" for reader in readers],
    }
    rows = {name: (server, paths, logged_in) for name, server, paths, logged_in in ratios.plan(fixtures)}
    server, paths, logged_in = rows[ratios.OWN_PROFILE]
    assert (server, logged_in, len(paths)) == ("site", True, feed.READERS)
    assert paths[0] == "/leitores/leitor00001/"
    without = ratios.plan({**fixtures, "own_profiles": []})  # fixtures of an older bench database
    assert ratios.OWN_PROFILE not in [name for name, *_rest in without]


def test_a_paired_wrk_script_takes_the_session_at_the_paths_place():
    paired = ratios.wrk_script(["/a/", "/b/"], ["c=1", "c=2"], paired=True)
    assert "local paired = true" in paired
    assert "cookies[paired and at or math.random(#cookies)]" in paired and "paths[at]" in paired
    assert "local paired = false" in ratios.wrk_script(["/a/"], [])
