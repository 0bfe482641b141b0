"""RFC 3797 section 6, the fully worked example, reproduced exactly."""

import pytest

from sunshine.lottery import rfc3797

# Sources in the order RFC 3797 section 6 announces them.
SOURCES = ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]


def test_it_builds_the_rfc_key_string():
    assert rfc3797.key_string(SOURCES) == "9319./2.5.8.10.12./9.18.26.34.41.45./"
    assert rfc3797.key_string([[9319], [2, 5, 12, 8, 10], 0]) == "9319./2.5.8.10.12./0./"


def test_it_prints_the_rfc_md5_values():
    assert rfc3797.hash_values("9319./2.5.8.10.12./9.18.26.34.41.45./", 10) == [
        "990DD0A5692A029A98B5E01AA28F3459",
        "3691E55CB63FCC37914430B2F70B5EC6",
        "FE814EDF564C190AC1D25753979990FA",
        "1863CCACEB568C31D7DDBDF1D4E91387",
        "F4AB33DF4889F0AF29C513905BE1D758",
        "13EAEB529F61ACFB9A29D0BA3A60DE4A",
        "992DB77C382CA2BDB9727001F3CDCCD9",
        "63AB4258ECA922976811C7F55C383CE7",
        "DFBC5AC97CED01B3A6E348E3CC63F40D",
        "31CB111C4A4EBE9287CEAE16FE51B909",
    ]


def test_it_selects_the_rfc_ten_of_twenty_five():
    # RFC 3797 section 6: Lee, Doc, Mary, Charity, Kasczynski, Envy, Sneazy, Anger,
    # Chastity, Pandora = pool numbers 17, 7, 2, 16, 25, 23, 8, 24, 19, 13.
    key, chosen = rfc3797.select(25, 10, SOURCES)
    assert key == "9319./2.5.8.10.12./9.18.26.34.41.45./"
    assert chosen == [17, 7, 2, 16, 25, 23, 8, 24, 19, 13]


def test_it_parses_sources_and_drops_leading_zeros():
    assert rfc3797.parse_source("7 8 11 17") == [7, 8, 11, 17]
    assert rfc3797.parse_source("08285182") == [8285182]
    assert rfc3797.key_string(["08285182"]) == "8285182./"
    for bad in ("", "1.5", "-3", "x"):
        with pytest.raises(ValueError):
            rfc3797.parse_source(bad)
    with pytest.raises(ValueError):
        rfc3797.select(3, 4, SOURCES)
