"""The pytest plugin, run on generated suites through pytester."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

# pytester drops the modules an inline run imported first; httpx keeps httpcore's exception
# classes from its first use, so httpcore must be imported before any inline run.
import httpcore  # noqa: F401
import pytest

from emulator.config import DEFAULT_FIXTURES
from emulator.testing import Emulator
from tests.testing.support import closed_port_url

pytest_plugins = ["pytester"]

ISOLATION = """
import httpx

seen = []

def test_first(wasender_account, wasender_emulator):
    assert wasender_account.emulator is wasender_emulator
    seen.append(wasender_account)

def test_second(wasender_account):
    first = seen[0]
    assert first.emulator is wasender_account.emulator
    assert wasender_account.account_id != first.account_id
    assert wasender_account.phone_number != first.phone_number
    foreign = httpx.get(
        f"{wasender_account.emulator.api_url}/whatsapp-sessions/{first.session_id}",
        headers={"Authorization": f"Bearer {wasender_account.personal_access_token}"},
    )
    assert foreign.status_code == 404
"""


def test_the_package_registers_the_plugin_with_pytest() -> None:
    [plugin] = [e for e in entry_points(group="pytest11") if e.name == "wasender_emulator"]
    assert plugin.value == "emulator.testing.plugin"


def test_tests_share_one_emulator_and_never_each_others_accounts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(ISOLATION)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_sdk_clients_are_bound_to_the_account_and_its_connected_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_clients(wasender_account):
            status = wasender_account.client().get_session_status(str(wasender_account.session_id))
            assert status.response.status.value == "connected"
            [session] = wasender_account.account_client().get_all_whatsapp_sessions().response.data
            assert (session.id, session.phone_number) == (wasender_account.session_id, wasender_account.phone_number)
            assert session.api_key == wasender_account.api_key
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_markers_give_a_trial_account_rate_limits_off_and_a_fixtures_file(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    fixtures = json.loads(DEFAULT_FIXTURES.read_text())
    fixtures["accounts"][0]["personal_access_token"] = "1|aFixtureFileOfThisSuite"
    (tmp_path / "mine.json").write_text(json.dumps(fixtures))
    pytester.makepyfile(
        f"""
        import httpx, pytest

        def limits(account):
            return httpx.get(f"{{account.emulator.admin_url}}/rate-limits").json()["data"]["enabled"]

        @pytest.mark.wasender(plan="trial", session_limit=1)
        def test_trial(wasender_account):
            sessions = wasender_account.account_client().get_all_whatsapp_sessions()
            with pytest.raises(Exception):
                wasender_account.account_client().create_whatsapp_session(
                    {{"name": "x", "phone_number": "+15598888888", "account_protection": False, "log_messages": True}})
            first = wasender_account.client().send_text("+15551234567", "one")
            with pytest.raises(Exception, match="1 minute"):
                wasender_account.client().send_text("+15551234567", "two")

        @pytest.mark.wasender(rate_limits=False)
        def test_limits_off(wasender_account):
            assert limits(wasender_account) is False

        def test_limits_back_on(wasender_account):
            assert limits(wasender_account) is True

        @pytest.mark.wasender(fixtures={str(tmp_path / "mine.json")!r})
        def test_own_fixtures(wasender_account, wasender_emulator):
            assert wasender_account.emulator is not wasender_emulator
            answer = httpx.get(f"{{wasender_account.emulator.api_url}}/whatsapp-sessions",
                               headers={{"Authorization": "Bearer 1|aFixtureFileOfThisSuite"}})
            assert answer.status_code == 200
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=4)


def test_a_marker_with_an_unknown_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.wasender(plann="trial")
        def test_typo(wasender_account):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*does not know plann*"])


@pytest.mark.parametrize("given_by", ["option", "variable"])
def test_both_fixtures_use_the_emulator_the_url_names(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, given_by: str
) -> None:
    with Emulator() as running:
        where = f"\ndef test_where(wasender_emulator):\n    assert wasender_emulator.url == {running.url!r}\n"
        pytester.makepyfile(ISOLATION + where)
        if given_by == "variable":
            monkeypatch.setenv("WASENDER_EMULATOR_URL", running.url)
            result = pytester.runpytest("-p", "no:randomly")
        else:
            result = pytester.runpytest("-p", "no:randomly", f"--wasender-url={running.url}")
        result.assert_outcomes(passed=3)


def test_an_unreachable_url_fails_the_first_test_needing_it_with_one_line_naming_it(pytester: pytest.Pytester) -> None:
    url = closed_port_url()
    pytester.makepyfile(
        """
        def test_without():
            pass

        def test_with(wasender_account):
            pass
        """
    )
    # -rN: no short summary, which repeats the line in full where CI is set.
    result = pytester.runpytest(f"--wasender-url={url}", "-rN")
    result.assert_outcomes(passed=1, errors=1)
    [line] = [line for line in result.outlines if url in line]
    assert line.startswith(f"wasender-emulator: no WasenderAPI emulator answers at {url}: ")
    assert "Traceback" not in result.stdout.str()
