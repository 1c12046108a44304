import datetime as dt

import pytest

from kg.dates import normalize_date

PUBLISHED = dt.date(2024, 6, 20)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("プーチン大統領は19日、平壌に到着した。", "2024-06-19"),
        ("25日に開かれた会議で", "2024-05-25"),  # after the publication day: last month
        ("6月に平壌を訪問し", "2024-06"),
        ("昨年6月の条約締結", "2023-06"),
        ("11月に訪中した", "2023-11"),  # a month after publication: last year
        ("2024年6月19日に署名した", "2024-06-19"),
        ("1950年11月14日付の文書", "1950-11-14"),
        ("先月10日に署名した", "2024-05-10"),  # a relative month with a day
        ("今月3日、訪朝した", "2024-06-03"),
        ("先月、平壌を訪れた", "2024-05"),
        ("24年ぶりの訪朝", None),
        ("2月30日に", None),
        ("特に日付はない", None),
    ],
)
def test_normalize_date(sentence, expected):
    assert normalize_date(sentence, PUBLISHED) == expected


def test_date_nearest_before_the_trigger_wins():
    sentence = "18日に到着し、19日に会談した。"
    assert normalize_date(sentence, PUBLISHED, before=sentence.index("会談")) == "2024-06-19"
    assert normalize_date(sentence, PUBLISHED, before=sentence.index("到着")) == "2024-06-18"


def test_relative_day_without_publication_date_is_unknown():
    assert normalize_date("19日に会談した", None) is None


def test_relative_month_across_a_year_boundary():
    assert normalize_date("先月28日に会談した", dt.date(2024, 1, 5)) == "2023-12-28"
    assert normalize_date("来月10日に訪問する", dt.date(2024, 12, 2), forward=True) == "2025-01-10"
