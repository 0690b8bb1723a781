"""The `stepladder` command: every `flask` sub-command, plus serve, users and organisations."""

import gc
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from flask_migrate import upgrade
from sqlalchemy import func, select

from app.extensions import db

# A source checkout holds `benchmarks/` beside `app/`; an installed wheel ships `app` alone.
SOURCE_ROOT = Path(__file__).resolve().parent.parent


def _create_app(*_args, **_kwargs) -> Flask:
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """Stepladder: record small steps in two taps; reports that populate themselves."""


def register(app: Flask) -> None:
    for command in (
        serve,
        create_user,
        create_organisation,
        load_demo_command,
        generate_data_command,
        check_rollups_command,
    ):
        app.cli.add_command(command)
    from app.backup import backup, restore

    for command in (backup, restore):
        app.cli.add_command(command)
    from app.reports.cli import report_command

    app.cli.add_command(report_command)
    from app.mail.cli import send_mail_command

    app.cli.add_command(send_mail_command)


def _password(own_words: list[str], prompt_env: str = "STEPLADDER_ADMIN_PASSWORD") -> str:
    from app.auth.passwords import policy_problem

    password = os.environ.get(prompt_env) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    if problem := policy_problem(password, own_words):
        raise click.BadParameter(problem, param_hint="password")
    return password


def _new_user(org, email: str, name: str, role: str, password: str):
    from app.auth.passwords import hash_password
    from app.models import User

    email = email.strip().lower()
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.BadParameter(f"{email} already has an account.", param_hint="email")
    user = User(
        organisation_id=org.id,
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    return user


@click.command("create-organisation")
@click.argument("name")
@click.option("--admin-email", required=True, help="Email of the organisation's first admin.")
@click.option("--admin-name", default="Administrator", show_default=True)
def create_organisation(name: str, admin_email: str, admin_name: str) -> None:
    """Create a new, empty organisation and its first admin.

    The password is asked for, or read from STEPLADDER_ADMIN_PASSWORD.
    """
    from app.models import Organisation

    password = _password([name, *name.split(), admin_email.split("@")[0]])
    org = Organisation(name=name.strip())
    db.session.add(org)
    db.session.flush()
    _new_user(org, admin_email, admin_name, "admin", password)
    db.session.commit()
    click.echo(f"Created {org.name} with admin {admin_email.strip().lower()}.")


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice(["worker", "supervisor", "admin", "funder"]),
    default="worker",
    show_default=True,
)
@click.option("--organisation", "organisation_name", required=True, help="The organisation's name.")
def create_user(email: str, name: str, role: str, organisation_name: str) -> None:
    """Create a user in an existing organisation.

    The password is asked for, or read from STEPLADDER_ADMIN_PASSWORD.
    """
    from app.models import Organisation

    org = db.session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    if org is None:
        raise click.BadParameter(
            f"No organisation is called {organisation_name!r}.", param_hint="--organisation"
        )
    words = [org.name, *org.name.split(), name, email.split("@")[0]]
    _new_user(org, email, name, role, _password(words))
    db.session.commit()
    click.echo(f"Created {role} {email.strip().lower()} in {org.name}.")


@click.command("generate-data")
@click.option("--entries", default=1_000_000, show_default=True, type=click.IntRange(min=0))
@click.option("--people", default=20_000, show_default=True, type=click.IntRange(min=1))
@click.option("--workers", default=200, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=7, show_default=True, type=int, help="Same seed, same history.")
def generate_data_command(entries: int, people: int, workers: int, seed: int) -> None:
    """Load Benchmark Trust: staff, people and a realistic history of ENTRIES entries."""
    _benchmark_data().load(entries, people, workers, seed)


def _benchmark_data():
    """The benchmark data generator, `benchmarks/data.py` of a source checkout.

    It is development tooling, so the app never imports it until this command runs, and a
    wheel does not ship it: there the command says so rather than failing on an import.
    """
    folder = SOURCE_ROOT / "benchmarks"
    if not (folder / "data.py").is_file():
        raise click.ClickException(
            f"generate-data needs the benchmarks folder of a Stepladder source checkout, "
            f"and there is none at {folder}. Run it from a clone of the repository "
            f"installed with `pip install -e .`."
        )
    # The installed `stepladder` command does not put the checkout on the path by itself.
    if str(SOURCE_ROOT) not in sys.path:
        sys.path.append(str(SOURCE_ROOT))
    from benchmarks import data

    return data


@click.command("check-rollups")
@click.option(
    "--repair", is_flag=True, help="Write the rollup afresh from the log when they disagree."
)
def check_rollups_command(repair: bool) -> None:
    """Work the daily rollup out again from the entry log and compare; exit 1 if they differ."""
    from app.entries import rollup

    found = rollup.differences()
    rows = db.session.scalar(select(func.count()).select_from(rollup.TABLE))
    if not found:
        click.echo(f"The rollup agrees with the entry log ({rows:,} rows).")
        return
    for difference in found[:20]:
        click.echo(
            f"{difference.key}: the log says {_sums(difference.expected)}, "
            f"the rollup holds {_sums(difference.found)}"
        )
    if len(found) > 20:
        click.echo(f"... and {len(found) - 20:,} more.")
    if repair:
        written = rollup.rebuild()
        db.session.commit()
        click.echo(f"Rebuilt the rollup from the entry log: {written:,} rows.")
        return
    raise click.ClickException(
        f"The rollup disagrees with the entry log in {len(found):,} rows; "
        "run `stepladder check-rollups --repair` to write it afresh from the log."
    )


def _sums(sums) -> str:
    if sums is None:
        return "nothing"
    return f"{sums.entries} entries, {sums.minutes} minutes, first at {sums.first_at}"


@click.command("load-demo")
def load_demo_command() -> None:
    """Load the demo organisation into an empty database."""
    _load_demo_if_empty()


def _load_demo_if_empty() -> bool:
    from app.demo import load_demo
    from app.models import Organisation

    if db.session.scalar(select(func.count()).select_from(Organisation)):
        click.echo("The database already holds organisations; demo data not loaded.")
        return False
    load_demo()
    click.echo("Loaded the demo organisation, Demo Recovery Centre.")
    return True


def _served_origin(host: str, port: int) -> str:
    """The address `serve` answers on, for emailed links when none is configured: taken from
    its own options, never from a request (a wildcard bind names no host: localhost)."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}"


# Container allocations between the cycle collector's youngest collections (Python's 700).
# A request that reads thousands of rows otherwise sets off a collection every few hundred,
# and promotes what is alive then until a full collection walks everything the process
# holds; 20,000 lets a request's rows die by reference counting first, as nearly all do.
COLLECT_EVERY = 20_000


def settle_for_serving() -> None:
    """Tune the cycle collector for a long-lived server process (called by `serve` before
    gunicorn forks its workers, and by the benchmarks, which measure the app as served).

    Everything loaded so far (modules, the app) lives as long as the process, so it is
    frozen out of the collector's reach (`gc.freeze`; the workers share those pages copy on
    write too), and collections come less often (COLLECT_EVERY). Measured at a million
    entries: a full collection walked ~140 ms of objects, one came every few Overview
    refreshes, and was the refresh's p95 (196 ms against a p50 of 51 ms); settled, full
    collections take ~40 ms and came once in 200 refreshes (p95 41 ms)."""
    gc.collect()  # what is garbage now is freed, not frozen with the rest for good
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(COLLECT_EVERY, middle, old)


@click.command("serve")
@click.option("--demo", is_flag=True, help="Load demo data into an empty database.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=2, show_default=True, type=int, help="gunicorn worker processes."
)
def serve(demo: bool, host: str, port: int, workers: int) -> None:
    """Apply migrations, optionally load the demo, and serve with gunicorn."""
    from gunicorn.app.base import BaseApplication

    from app.demo import PASSWORD, USERS
    from app.mail import retry

    upgrade()
    if demo:
        _load_demo_if_empty()
    app = current_app._get_current_object()
    if not app.config["BASE_URL"]:
        app.config["BASE_URL"] = _served_origin(host, port)
        click.echo(
            f"Note: emailed links point to {app.config['BASE_URL']}; set STEPLADDER_BASE_URL "
            "to the address people use (https://… behind a proxy).",
            err=True,
        )
    if workers > 1 and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        # Never silently: sign-in, two-factor, password and public-form limits are counted
        # in the database (app/throttle.py) and hold across processes; Flask-Limiter's
        # per-route limits would each count alone in memory.
        click.echo(
            f"Note: {workers} processes with memory:// rate-limit storage. Sign-in and form "
            "limits are counted in the database and hold in every process; set "
            "STEPLADDER_RATELIMIT_STORAGE_URL=redis://... for Flask-Limiter's per-route "
            "limits to be shared too.",
            err=True,
        )

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            # Each worker retries the outbox by itself, so email kept while the mail server
            # was down goes once it is back (claimed per message: sent by one worker only).
            self.cfg.set("post_worker_init", lambda _worker: retry.start_if_configured(app))

        def load(self):
            return app

    click.echo(f"Stepladder is running at http://{host}:{port}/")
    if demo:
        click.echo(f"Demo sign-ins (password {PASSWORD}):")
        for email, _name, role in USERS:
            click.echo(f"  {role:<11} {email}")
    sys.stdout.flush()
    db.engine.dispose()  # each gunicorn worker opens its own connections
    settle_for_serving()
    Server().run()


if __name__ == "__main__":
    main()
