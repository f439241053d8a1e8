import pytest


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_answers(celery_worker_process):
    from i3ml.celery import app

    w = celery_worker_process
    assert w.database_name.startswith("test_")
    replies = app.control.ping(destination=[w.node_name], timeout=2.0)
    assert replies, replies
    stats = app.control.inspect(destination=[w.node_name], timeout=2.0).stats()
    print(stats[w.node_name]["pool"], w.mail_dir)
    conf = app.control.inspect(destination=[w.node_name], timeout=2.0).conf()
    print({k: v for k, v in conf[w.node_name].items() if "broker" in k.lower()})
    assert w.mails() == []
    print(w.log_tail(15))
