"""Running service calls in parallel threads, each with its own app context and session."""
import threading

from consult.extensions import db

THREADS = 10


def run_threads(app, work, count=THREADS):
    """Run `work(index)` in `count` threads, each in its own app context and session,
    released together by a barrier; return the exceptions they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                work(index)
            except BaseException as error:  # noqa: BLE001  (reported by the test)
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors
