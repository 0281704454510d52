#include "common/mysql/statement_cache.h"

#include <utility>

namespace crm::common {

CachedStatement::CachedStatement(StatementCachingConnection* owner, std::string text,
                                 std::unique_ptr<sql::PreparedStatement> statement)
    : owner_(owner), text_(std::move(text)), statement_(std::move(statement)) {}

CachedStatement& CachedStatement::operator=(CachedStatement&& other) noexcept {
  if (this != &other) {
    GiveBack();
    owner_ = std::exchange(other.owner_, nullptr);
    text_ = std::move(other.text_);
    statement_ = std::move(other.statement_);
  }
  return *this;
}

CachedStatement::~CachedStatement() { GiveBack(); }

void CachedStatement::GiveBack() {
  if (owner_ != nullptr && statement_ != nullptr) {
    owner_->Keep(std::move(text_), std::move(statement_));
  }
  statement_.reset();
}

CachedStatement PrepareCached(sql::Connection& connection, std::string text) {
  auto* caching = dynamic_cast<StatementCachingConnection*>(&connection);
  std::unique_ptr<sql::PreparedStatement> statement;
  if (caching != nullptr) statement = caching->Take(text);
  if (statement == nullptr) statement.reset(connection.prepareStatement(text));
  return CachedStatement(caching, std::move(text), std::move(statement));
}

StatementCachingConnection::StatementCachingConnection(std::unique_ptr<sql::Connection> connection,
                                                       size_t capacity)
    : connection_(std::move(connection)), capacity_(capacity) {}

StatementCachingConnection::~StatementCachingConnection() { CloseStatements(); }

void StatementCachingConnection::close() {
  CloseStatements();
  connection_->close();
}

bool StatementCachingConnection::reconnect() {
  // Statements prepared on the old session do not exist on the new one.
  CloseStatements();
  return connection_->reconnect();
}

std::unique_ptr<sql::PreparedStatement> StatementCachingConnection::Take(const std::string& text) {
  auto found = idle_by_text_.find(text);
  if (found == idle_by_text_.end()) return nullptr;
  const IdleList::iterator idle = found->second;
  std::unique_ptr<sql::PreparedStatement> statement = std::move(idle->statement);
  idle_by_text_.erase(found);
  idle_.erase(idle);
  return statement;
}

void StatementCachingConnection::Keep(std::string text,
                                      std::unique_ptr<sql::PreparedStatement> statement) {
  if (capacity_ == 0) return;
  idle_.push_front({std::move(text), std::move(statement)});
  idle_by_text_.emplace(idle_.front().text, idle_.begin());
  if (idle_.size() > capacity_) Forget(std::prev(idle_.end()));
}

void StatementCachingConnection::Forget(IdleList::iterator idle) {
  auto [first, last] = idle_by_text_.equal_range(idle->text);
  for (auto it = first; it != last; ++it) {
    if (it->second == idle) {
      idle_by_text_.erase(it);
      break;
    }
  }
  idle_.erase(idle);
}

void StatementCachingConnection::CloseStatements() {
  idle_by_text_.clear();
  idle_.clear();
}

}  // namespace crm::common
