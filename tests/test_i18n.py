import pandas as pd
import pytest

from analysis.i18n import tr, tr_frame
from analysis.vocab import STAGES, VALUES


def test_values_and_stages_come_from_the_vocabulary():
    assert [tr(v, "zh") for v in VALUES] == list(VALUES.values())
    assert tr("ambassador", "zh") == STAGES["ambassador"] == "大使/共创"
    assert tr("ambassador", "en") == "ambassador"
    assert tr("not-a-term", "zh") == "not-a-term"


def test_frames_translate_headers_and_cells_without_mutation():
    df = pd.DataFrame({"channel": ["douyin", "referral"], "contacts": [3, 4]})
    zh = tr_frame(df, "zh")
    assert list(zh.columns) == ["渠道", "联系人"]
    assert zh["渠道"].tolist() == ["抖音", "老带新"]
    assert list(df.columns) == ["channel", "contacts"]
    pd.testing.assert_frame_equal(tr_frame(df, "en"), df)


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="lang must be one of"):
        tr("social", "fr")
