import pytest

from analysis.data.vocab import STAGES, VALUES, VocabularyError, default_vocabulary, load_vocabulary


def test_default_vocabulary_covers_every_value_and_stage():
    v = default_vocabulary()
    for value in VALUES:
        if value != "consumption":  # consumption comes from orders
            assert v.of_value(value), value
    evidenced = {e.stage for e in v.event_types.values()}
    assert set(STAGES) - evidenced == {"act", "again"}  # purchases come from orders
    assert v.churn_types == ["del_follow_user"]
    assert "message" in v.interaction_types and "content_view" not in v.interaction_types
    assert "del_follow_user" not in v.interaction_types


def test_yaml_config_extends_and_aliases(tmp_path):
    cfg = tmp_path / "vocab.yaml"
    cfg.write_text(
        "event_types:\n  live_watch: {value: experience, stage: active}\n"
        "aliases:\n  直播: live_watch\n",
        encoding="utf-8",
    )
    v = load_vocabulary(cfg)
    assert v.resolve("直播") == "live_watch" and "share" in v.event_types
    assert "live_watch" in v.of_value("experience")


@pytest.mark.parametrize(
    "cfg, msg",
    [
        ({"event_types": {"x": {"value": "fun"}}}, "value 'fun'"),
        ({"event_types": {"x": {"stage": "hero"}}}, "stage 'hero'"),
        ({"aliases": {"y": "nope"}}, "unknown event type 'nope'"),
        ({"types": {}}, "unknown keys"),
    ],
)
def test_bad_config_is_a_clear_error(cfg, msg):
    with pytest.raises(VocabularyError, match=msg):
        load_vocabulary(cfg)
