import pandas as pd
import pytest

from analysis.privacy import KEY_ENV, pseudonymise, pseudonymise_frame

KEY = "k" * 32


def test_pseudonyms_are_keyed_stable_and_hide_the_id(monkeypatch):
    ids = pd.Series(["13800138000", "wmABC", None, "13800138000"], index=[5, 6, 7, 8])
    a = pseudonymise(ids, key=KEY)
    assert a.index.tolist() == [5, 6, 7, 8]
    assert a[5] == a[8] and a[5] != a[6] and pd.isna(a[7])
    assert all(v.startswith("p") and len(v) == 13 for v in a.dropna())
    assert "13800138000" not in "".join(a.dropna())
    assert pseudonymise(ids, key="x" * 32)[5] != a[5]  # another key, another pseudonym
    monkeypatch.setenv(KEY_ENV, KEY)
    assert pseudonymise(ids)[5] == a[5]


def test_pseudonym_is_the_truncated_hmac_sha256():
    import hashlib
    import hmac

    expected = "p" + hmac.new(KEY.encode(), b"u0000001", hashlib.sha256).hexdigest()[:12]
    assert pseudonymise(["u0000001"], key=KEY).iloc[0] == expected


def test_short_key_is_refused():
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pseudonymise(["a"], key="short")


def test_frame_columns_and_index_replaced_without_mutating():
    df = pd.DataFrame({"user_id": ["u1", "u2"], "x": [1, 2]})
    out = pseudonymise_frame(df, key=KEY)
    assert df["user_id"].tolist() == ["u1", "u2"]
    assert out["user_id"].tolist() == pseudonymise(df["user_id"], key=KEY).tolist()
    idx = pseudonymise_frame(df.set_index("user_id"), key=KEY)
    assert idx.index.tolist() == out["user_id"].tolist()


def test_personal_data_counts_rows_per_kind():
    from analysis.privacy import personal_data_columns, personal_data_counts

    s = pd.Series(
        [
            "13800138000",
            "+86 13900001111",
            "13800138000",  # a repeated value counts once per row
            "o" + "A1b2_" * 5 + "xy",  # 28 characters: a unionid
            "o" + "a" * 26,  # 27 characters: not one
            "12345678901",  # no mobile number starts with 12
            "1380013800",  # ten digits
            "id 13800138000",  # a number inside a longer id is not the whole cell
            "li@example.cn",
            None,
        ]
    )
    assert personal_data_counts(s) == {
        "mobile phone numbers": 3,
        "WeChat unionids / openids": 1,
        "e-mail addresses": 1,
    }
    assert personal_data_counts(pd.Series(["u1", "007", None])) == {}
    df = pd.DataFrame({"user_id": ["13800138000", "u2"], "amount": [13800138000, 1]})
    assert personal_data_columns(df) == [("user_id", "mobile phone numbers", 1)]
