"""archivesite.toml: every setting is checked, and every mistake is named with its line.

The README promises that an unknown key and a bad value are errors naming the file and
line, all of them reported together, and that the commands exit 1 on them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivesite.cli import cli
from archivesite.config import CONFIG_NAME, load_config
from archivesite.errors import ArchiveError, ArchiveErrors


def _site(tmp_path: Path, toml: str) -> Path:
    (tmp_path / CONFIG_NAME).write_text(toml, encoding="utf-8")
    return tmp_path


def _errors(site: Path) -> list[str]:
    with pytest.raises(ArchiveError) as caught:
        load_config(site)
    exc = caught.value
    found = exc.errors if isinstance(exc, ArchiveErrors) else [exc]
    return [str(e) for e in found]


def test_every_setting_is_read(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        'title = "Wire"\nbase_url = "https://example.org/news"\nlanguage = "ru"\n'
        'timezone = "Europe/Moscow"\nper_page = 5\nfeed_size = 7\n'
        'permalink = "/{year}/{slug}/"\nsearch = false\ndescription = "Old copy"\n'
        "[import]\nas_of = 1998-12-31\n",
    )
    config = load_config(site)
    assert (config.title, config.base_url, config.language) == (
        "Wire",
        "https://example.org/news/",  # a base URL always ends with "/"
        "ru",
    )
    assert (config.timezone, config.per_page, config.feed_size) == ("Europe/Moscow", 5, 7)
    assert (config.permalink, config.search, config.description) == (
        "/{year}/{slug}/",
        False,
        "Old copy",
    )
    assert config.imports.as_of == dt.date(1998, 12, 31)


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.title == "News Archive" and config.base_url == "/" and config.search


def test_an_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    site = _site(tmp_path, 'title = "Wire"\ntheme = "dark"\n')
    (message,) = _errors(site)
    assert message.startswith(f"{site / CONFIG_NAME}:2: unknown key 'theme'")
    assert "known keys:" in message and "permalink" in message


def test_an_unknown_import_key_is_named(tmp_path: Path) -> None:
    site = _site(tmp_path, "[import]\nyear = 1998\n")
    (message,) = _errors(site)
    assert f"{CONFIG_NAME}:2: unknown key 'import.year'" in message


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('base_url = "example.org"', "bad value for 'base_url': must be an absolute URL"),
        ('base_url = ""', "bad value for 'base_url': must be a non-empty string"),
        ("title = 3", "bad value for 'title': must be a string"),
        ('language = "English"', "bad value for 'language': must be a language tag"),
        ('timezone = "Mars/Olympus"', "bad value for 'timezone': unknown time zone"),
        ("timezone = 3", "bad value for 'timezone': must be a time zone name"),
        ("per_page = 0", "bad value for 'per_page': must be a whole number of at least 1"),
        ("feed_size = true", "bad value for 'feed_size': must be a whole number"),
        ('search = "yes"', "bad value for 'search': must be true or false"),
        ('permalink = "/{year}/{title}/"', "unknown field(s) title"),
        ('permalink = "/{year}/"', "must contain {slug}"),
        ('permalink = "{slug}"', "must start and end with '/'"),
        ('permalink = "/../{slug}/"', "not contain '..'"),
        ("import = 3", "'import' must be a table"),
    ],
)
def test_a_bad_value_is_named_with_its_line(tmp_path: Path, line: str, says: str) -> None:
    site = _site(tmp_path, f'description = "Wire"\n{line}\n')
    (message,) = _errors(site)
    assert message.startswith(f"{site / CONFIG_NAME}:2: ") and says in message, message


@pytest.mark.parametrize("value", ['"1998-02-30"', '"yesterday"', "1998"])
def test_a_bad_as_of_date_is_named(tmp_path: Path, value: str) -> None:
    site = _site(tmp_path, f"[import]\nas_of = {value}\n")
    (message,) = _errors(site)
    assert "bad value for 'import.as_of': must be a date such as" in message


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    site = _site(tmp_path, 'per_page = -1\ncolour = "red"\nlanguage = "?"\n')
    messages = _errors(site)
    assert [m.split(": ", 1)[0].rsplit(":", 1)[1] for m in messages] == ["1", "2", "3"]


def test_invalid_toml_is_named_with_its_line(tmp_path: Path) -> None:
    site = _site(tmp_path, 'title = "Wire"\nper_page = = 3\n')
    (message,) = _errors(site)
    assert message.startswith(f"{site / CONFIG_NAME}:2: invalid TOML")


def test_the_commands_exit_1_naming_the_mistake(tmp_path: Path) -> None:
    site = _site(tmp_path, "per_page = 0\n")
    for command in ("build", "import"):
        result = CliRunner().invoke(cli, [command, "--site", str(site)])
        assert result.exit_code == 1, result.output
        assert f"{CONFIG_NAME}:1: bad value for 'per_page'" in result.output


def test_a_bad_base_url_option_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--site", str(tmp_path), "--base-url", "x"])
    assert result.exit_code == 1 and "--base-url: must be an absolute URL" in result.output
