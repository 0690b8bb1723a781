"""create_app writes only what it needs: a secret key when none is given, and the folder of
the default SQLite database; an app built with everything set, or built for a test, writes
nothing."""

from app import create_app


def test_an_app_with_everything_set_writes_nothing(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("STEPLADDER_INSTANCE_PATH", str(instance))
    create_app({"SECRET_KEY": "given", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not instance.exists()


def test_without_a_key_one_is_made_once_and_kept_private(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("STEPLADDER_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("STEPLADDER_SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert len(first) == 64 and first == second
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0


def test_the_environments_key_is_used_and_nothing_is_written(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("STEPLADDER_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("STEPLADDER_SECRET_KEY", "from-the-environment")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not instance.exists()


def test_the_default_database_gets_its_folder(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("STEPLADDER_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("STEPLADDER_DATABASE_URL", raising=False)
    create_app({"SECRET_KEY": "given"})
    assert instance.is_dir()


def test_an_app_built_for_a_test_writes_nothing(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("STEPLADDER_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("STEPLADDER_SECRET_KEY", raising=False)
    monkeypatch.delenv("STEPLADDER_DATABASE_URL", raising=False)
    first = create_app({"TESTING": True}).config["SECRET_KEY"]
    second = create_app({"TESTING": True}).config["SECRET_KEY"]
    assert len(first) == 64 and first != second  # a key of its own, kept nowhere
    assert not instance.exists()
