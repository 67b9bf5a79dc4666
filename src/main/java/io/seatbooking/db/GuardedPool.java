package io.seatbooking.db;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collector;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.TransactionRollbackException;
import io.vertx.sqlclient.Tuple;

/**
 * The pool every repository is given (Quarkus's {@code Pool} bean): three Vert.x pools behind one
 * face.
 * <ul>
 * <li>Work on an HTTP request's context (one with a {@link RequestBudget}) takes its connection
 * from the request pool, whose wait queue is bounded and whose waits are short; a request whose
 * budget is spent starts no database work, and one that finds no connection in time fails with
 * {@link DatabaseBusyException} (answered {@code 503 overloaded}).
 * <li>Work on a consumed message's context (marked {@link ConsumerWork}: payments, dead letters)
 * takes it from the consumers' pool.
 * <li>Everything else (the expiry sweeper, the purges, the waiting room's jobs, health checks)
 * takes it from the small background pool.
 * </ul>
 * Request load can reach neither of the last two.
 * Statements run on a connection acquired first, never through the pool-level
 * {@code preparedQuery(...).execute()}: that path in vertx-sql-client 4.5 leaves its
 * connection-timeout timer running when the acquisition fails, and the timer later logs
 * {@code IllegalStateException: Result is already complete} (vertx-sql-client #1706).
 */
@SuppressWarnings("deprecation") // Quarkus 3 still casts the created pool to PgPool
public final class GuardedPool implements PgPool {

    private final Pool requests;
    private final Pool consumers;
    private final Pool background;

    public GuardedPool(Pool requests, Pool consumers, Pool background) {
        this.requests = requests;
        this.consumers = consumers;
        this.background = background;
    }

    /**
     * One pool for work that never runs on a request's context (the relay's own pool), with the
     * same way of running statements on an acquired connection.
     */
    public static GuardedPool single(Pool pool) {
        return new GuardedPool(pool, pool, pool);
    }

    @Override
    public Future<SqlConnection> getConnection() {
        RequestBudget budget = RequestBudget.current();
        if (budget == null) {
            return (ConsumerWork.current() ? consumers : background).getConnection();
        }
        if (budget.spent(System.nanoTime())) {
            return Future.failedFuture(new DatabaseBusyException("The request's deadline passed or its client left"));
        }
        return requests.getConnection().recover(failure -> Future.failedFuture(busy(failure) ? new DatabaseBusyException(
                "No database connection for the request in time: " + failure.getMessage(), failure) : failure));
    }

    /** Waiting for a connection failed because all were busy (not because the database is unreachable). */
    static boolean busy(Throwable failure) {
        if (failure instanceof ConnectionPoolTooBusyException) {
            return true;
        }
        String message = failure.getMessage();
        return message != null && (message.contains("Timeout") || message.contains("wait queue"));
    }

    @Override
    public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
        getConnection().onComplete(handler);
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return new PlainOnConnection<>(this, client -> client.query(sql));
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return new OnConnection<>(this, client -> client.preparedQuery(sql));
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return new OnConnection<>(this, client -> client.preparedQuery(sql, options));
    }

    /**
     * As {@link Pool#withTransaction(Function)}, but without waiting for {@code BEGIN}'s answer:
     * the transaction's first statement goes out right behind {@code BEGIN} on the same connection
     * (the client pipelines them), which saves one round trip per transaction. PostgreSQL's
     * {@code BEGIN} fails only with its session (a lost connection), and then the statements
     * behind it fail with it, so the transaction fails as it would have.
     * Then, as in the client: commit on success; on failure roll back unless the server already
     * did ({@link TransactionRollbackException}), and answer with the first failure.
     */
    @Override
    public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> function) {
        return getConnection().flatMap(conn -> {
            Future<Transaction> begun = conn.begin();
            Transaction tx = conn.transaction();
            Future<T> work;
            try {
                work = function.apply(conn);
            } catch (RuntimeException e) {
                work = Future.failedFuture(e);
            }
            Future<T> done = work;
            return begun.flatMap(ignored -> done)
                    .compose(result -> tx.commit().map(result),
                            failure -> failure instanceof TransactionRollbackException
                                    ? Future.<T> failedFuture(failure)
                                    : tx.rollback().transform(ignored -> Future.<T> failedFuture(failure)))
                    .onComplete(ignored -> conn.close());
        });
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        close().onComplete(handler);
    }

    @Override
    public Future<Void> close() {
        return requests == background ? requests.close()
                : Future.join(requests.close(), consumers.close(), background.close()).mapEmpty();
    }

    @Override
    public PgPool connectHandler(Handler<SqlConnection> handler) {
        requests.connectHandler(handler);
        if (background != requests) {
            consumers.connectHandler(handler);
            background.connectHandler(handler);
        }
        return this;
    }

    @Override
    public PgPool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
        throw new UnsupportedOperationException("The guarded pool makes its own connections");
    }

    @Override
    public int size() {
        return requests == background ? requests.size() : requests.size() + consumers.size() + background.size();
    }

    /**
     * A query that, when executed, takes a connection from the guarded pool, runs on it and gives
     * it back.
     */
    private record OnConnection<T>(Pool pool, Function<SqlClient, PreparedQuery<T>> statement)
            implements PreparedQuery<T> {

        @Override
        public Future<T> execute() {
            return pool.withConnection(connection -> statement.apply(connection).execute());
        }

        @Override
        public void execute(Handler<AsyncResult<T>> handler) {
            execute().onComplete(handler);
        }

        @Override
        public Future<T> execute(Tuple tuple) {
            return pool.withConnection(connection -> statement.apply(connection).execute(tuple));
        }

        @Override
        public void execute(Tuple tuple, Handler<AsyncResult<T>> handler) {
            execute(tuple).onComplete(handler);
        }

        @Override
        public Future<T> executeBatch(List<Tuple> batch) {
            return pool.withConnection(connection -> statement.apply(connection).executeBatch(batch));
        }

        @Override
        public void executeBatch(List<Tuple> batch, Handler<AsyncResult<T>> handler) {
            executeBatch(batch).onComplete(handler);
        }

        @Override
        public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return new OnConnection<>(pool, client -> statement.apply(client).collecting(collector));
        }

        @Override
        public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
            return new OnConnection<>(pool, client -> statement.apply(client).mapping(mapper));
        }
    }

    /** The same for a simple (unprepared) query. */
    private record PlainOnConnection<T>(Pool pool, Function<SqlClient, Query<T>> statement) implements Query<T> {

        @Override
        public Future<T> execute() {
            return pool.withConnection(connection -> statement.apply(connection).execute());
        }

        @Override
        public void execute(Handler<AsyncResult<T>> handler) {
            execute().onComplete(handler);
        }

        @Override
        public <R> Query<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return new PlainOnConnection<>(pool, client -> statement.apply(client).collecting(collector));
        }

        @Override
        public <U> Query<RowSet<U>> mapping(Function<Row, U> mapper) {
            return new PlainOnConnection<>(pool, client -> statement.apply(client).mapping(mapper));
        }
    }
}
