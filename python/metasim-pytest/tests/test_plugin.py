"""The plugin's fixtures against the real metasim binary ($METASIM_BIN)."""

import json
import urllib.request

import pytest

from metasim_pytest import MetasimError
from metasim_pytest.plugin import sandbox_id

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def graph(sandbox, method, path, body=None, token="system_user_token"):
    request = urllib.request.Request(
        f"{sandbox.graph_url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Authorization": f"Bearer {sandbox.tokens[token]}",
            "content-type": "application/json",
        },
    )
    with NO_PROXY.open(request) as response:
        return json.loads(response.read())


def send_text(sandbox, body):
    return graph(
        sandbox,
        "POST",
        f"/{sandbox.handles['phone_number']}/messages",
        {"messaging_product": "whatsapp", "to": sandbox.handles["alice"], "type": "text", "text": {"body": body}},
    )


SEEN = []


def test_each_test_gets_a_fresh_sandbox_named_after_it(metasim):
    assert metasim.id.startswith("test_each_test_gets_a_fresh_sandbox_named_after_it-")
    assert graph(metasim, "GET", "/me")["id"] == metasim.handles["system_user"]
    sent = send_text(metasim, "first")
    assert sent["messages"][0]["id"].startswith("wamid.")
    assert len(metasim.sim("GET", "/journal")["data"]) == 2
    SEEN.append(metasim)


def test_the_previous_sandbox_is_gone_and_this_one_is_empty(metasim, metasim_server):
    previous = SEEN[-1]
    with pytest.raises(MetasimError, match="HTTP 404"):
        metasim_server.call("GET", f"/_sim/sandboxes/{previous.id}")
    assert metasim.id != previous.id
    assert metasim.sim("GET", "/journal")["data"] == []


def test_tokens_of_one_sandbox_do_not_reach_another(metasim, metasim_server):
    other = metasim_server.create_sandbox(seed=99)
    try:
        request = urllib.request.Request(
            f"{metasim.graph_url}/{metasim.handles['waba']}",
            headers={"Authorization": f"Bearer {other.tokens['system_user_token']}"},
        )
        with pytest.raises(urllib.error.HTTPError) as error:
            NO_PROXY.open(request)
        assert json.loads(error.value.read())["error"]["code"] == 100
    finally:
        metasim_server.delete_sandbox(other.id)


@pytest.mark.metasim(seed=7, delivery="auto")
def test_a_marker_sets_the_sandbox_options(metasim):
    assert metasim.seed == 7
    assert metasim.sim("GET", "")["options"]["delivery"] == "auto"


def test_the_clock_moves_per_sandbox(metasim):
    before = metasim.sim("GET", "/clock")["now"]
    after = metasim.sim("POST", "/clock/advance", {"seconds": 3600})["now"]
    assert after == before + 3600


def test_bad_options_are_reported_with_metas_message(metasim_server):
    with pytest.raises(MetasimError, match="id: use 1 to 64 letters"):
        metasim_server.create_sandbox(id="not valid!")


def test_sandbox_ids_are_safe_and_bounded():
    assert sandbox_id("test_x[a/b c]", 3) == "test_x-a-b-c-3"
    assert len(sandbox_id("t" * 200, 12)) == 64
    assert sandbox_id("[]", 1) == "test-1"
