#ifndef CRM_COMMON_MYSQL_STATEMENT_CACHE_H_
#define CRM_COMMON_MYSQL_STATEMENT_CACHE_H_

// Decision: prepared statements are kept per connection and reused.
//
// Connector/C++ prepares a statement on the server (a round trip and a parse
// there) and closes it again every time it is used; for a primary-key read
// that is half the work. Every pooled connection is therefore a
// StatementCachingConnection: common::Prepare checks a statement with the
// same text out of it, or prepares one, and gives it back when the caller is
// done. Each connection keeps at most `capacity` idle statements (least
// recently used ones are closed first), so statements built from varying text
// (filters, batch sizes) cannot pile up on the server.

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace crm::common {

class StatementCachingConnection;

// A prepared statement checked out for one use; destroying it gives it back
// to its connection's cache (or closes it, for a connection without one).
// Move-only. Its connection must outlive it.
class CachedStatement {
 public:
  CachedStatement(CachedStatement&&) noexcept = default;
  CachedStatement& operator=(CachedStatement&& other) noexcept;
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement();

  sql::PreparedStatement& operator*() const { return *statement_; }
  sql::PreparedStatement* operator->() const { return statement_.get(); }

 private:
  friend CachedStatement PrepareCached(sql::Connection& connection, std::string text);
  CachedStatement(StatementCachingConnection* owner, std::string text,
                  std::unique_ptr<sql::PreparedStatement> statement);
  void GiveBack();

  StatementCachingConnection* owner_ = nullptr;
  std::string text_;
  std::unique_ptr<sql::PreparedStatement> statement_;
};

// A statement for `text` on `connection`: an idle cached one when the
// connection is a StatementCachingConnection that has one, else a newly
// prepared one. Throws sql::SQLException like prepareStatement.
CachedStatement PrepareCached(sql::Connection& connection, std::string text);

// A connection that keeps the statements prepared through PrepareCached for
// reuse. Everything else is passed through to the wrapped connection
// (prepareStatement too: what it returns belongs to the caller, uncached).
class StatementCachingConnection final : public sql::Connection {
 public:
  StatementCachingConnection(std::unique_ptr<sql::Connection> connection, size_t capacity);
  // Closes the cached statements, then the connection.
  ~StatementCachingConnection() override;

  size_t cached_statements() const { return idle_.size(); }

  void clearWarnings() override { connection_->clearWarnings(); }
  sql::Statement* createStatement() override { return connection_->createStatement(); }
  void close() override;
  void commit() override { connection_->commit(); }
  bool getAutoCommit() override { return connection_->getAutoCommit(); }
  sql::SQLString getCatalog() override { return connection_->getCatalog(); }
  sql::Driver* getDriver() override { return connection_->getDriver(); }
  sql::SQLString getSchema() override { return connection_->getSchema(); }
  sql::SQLString getClientInfo() override { return connection_->getClientInfo(); }
  void getClientOption(const sql::SQLString& name, void* value) override {
    connection_->getClientOption(name, value);
  }
  sql::SQLString getClientOption(const sql::SQLString& name) override {
    return connection_->getClientOption(name);
  }
  sql::DatabaseMetaData* getMetaData() override { return connection_->getMetaData(); }
  sql::enum_transaction_isolation getTransactionIsolation() override {
    return connection_->getTransactionIsolation();
  }
  const sql::SQLWarning* getWarnings() override { return connection_->getWarnings(); }
  bool isClosed() override { return connection_->isClosed(); }
  bool isReadOnly() override { return connection_->isReadOnly(); }
  bool isValid() override { return connection_->isValid(); }
  bool reconnect() override;
  sql::SQLString nativeSQL(const sql::SQLString& sql) override {
    return connection_->nativeSQL(sql);
  }
  sql::PreparedStatement* prepareStatement(const sql::SQLString& sql) override {
    return connection_->prepareStatement(sql);
  }
  sql::PreparedStatement* prepareStatement(const sql::SQLString& sql, int keys) override {
    return connection_->prepareStatement(sql, keys);
  }
  sql::PreparedStatement* prepareStatement(const sql::SQLString& sql, int* columns) override {
    return connection_->prepareStatement(sql, columns);
  }
  sql::PreparedStatement* prepareStatement(const sql::SQLString& sql, int type,
                                           int concurrency) override {
    return connection_->prepareStatement(sql, type, concurrency);
  }
  sql::PreparedStatement* prepareStatement(const sql::SQLString& sql, int type, int concurrency,
                                           int holdability) override {
    return connection_->prepareStatement(sql, type, concurrency, holdability);
  }
  sql::PreparedStatement* prepareStatement(const sql::SQLString& sql,
                                           sql::SQLString columns[]) override {
    return connection_->prepareStatement(sql, columns);
  }
  void releaseSavepoint(sql::Savepoint* savepoint) override {
    connection_->releaseSavepoint(savepoint);
  }
  void rollback() override { connection_->rollback(); }
  void rollback(sql::Savepoint* savepoint) override { connection_->rollback(savepoint); }
  void setAutoCommit(bool on) override { connection_->setAutoCommit(on); }
  void setCatalog(const sql::SQLString& catalog) override { connection_->setCatalog(catalog); }
  void setSchema(const sql::SQLString& schema) override { connection_->setSchema(schema); }
  sql::Connection* setClientOption(const sql::SQLString& name, const void* value) override {
    connection_->setClientOption(name, value);
    return this;
  }
  sql::Connection* setClientOption(const sql::SQLString& name,
                                   const sql::SQLString& value) override {
    connection_->setClientOption(name, value);
    return this;
  }
  void setHoldability(int holdability) override { connection_->setHoldability(holdability); }
  void setReadOnly(bool read_only) override { connection_->setReadOnly(read_only); }
  sql::Savepoint* setSavepoint() override { return connection_->setSavepoint(); }
  sql::Savepoint* setSavepoint(const sql::SQLString& name) override {
    return connection_->setSavepoint(name);
  }
  void setTransactionIsolation(sql::enum_transaction_isolation level) override {
    connection_->setTransactionIsolation(level);
  }

 private:
  friend class CachedStatement;
  friend CachedStatement PrepareCached(sql::Connection& connection, std::string text);

  struct Idle {
    std::string text;
    std::unique_ptr<sql::PreparedStatement> statement;
  };
  using IdleList = std::list<Idle>;

  // An idle statement for `text`, or null.
  std::unique_ptr<sql::PreparedStatement> Take(const std::string& text);
  void Keep(std::string text, std::unique_ptr<sql::PreparedStatement> statement);
  void Forget(IdleList::iterator idle);
  void CloseStatements();

  std::unique_ptr<sql::Connection> connection_;
  const size_t capacity_;
  IdleList idle_;  // most recently used first
  // Keys view the text held by the list entry they point at.
  std::unordered_multimap<std::string_view, IdleList::iterator> idle_by_text_;
};

}  // namespace crm::common

#endif  // CRM_COMMON_MYSQL_STATEMENT_CACHE_H_
