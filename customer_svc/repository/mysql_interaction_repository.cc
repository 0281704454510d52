#include "customer_svc/repository/mysql_interaction_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "customer_svc/repository/mysql_parent_customer.h"

namespace crm::customer {
namespace {

using common::SqlQuery;

constexpr char kColumns[] =
    "i.id, i.customer_id, i.channel, i.direction, i.subject, i.summary, i.sentiment, "
    "i.occur_time, i.employee, i.details, i.version, i.create_time, i.update_time, "
    "i.delete_time";

std::string_view ColumnSql(InteractionColumn column) {
  switch (column) {
    case InteractionColumn::kChannel:
      return "i.channel";
    case InteractionColumn::kDirection:
      return "i.direction";
    case InteractionColumn::kSentiment:
      return "i.sentiment";
    case InteractionColumn::kEmployee:
      return "i.employee";
    case InteractionColumn::kOccurTime:
      return "i.occur_time";
    case InteractionColumn::kCreateTime:
      return "i.create_time";
    case InteractionColumn::kRelatedResource:
      break;
  }
  return "NULL";
}

// The filter's conditions; a related_resources condition holds when some
// related resource matches (kNotEqual: when none is equal).
void AddFilter(SqlQuery& query, const std::vector<InteractionCondition>& conditions) {
  for (const InteractionCondition& condition : conditions) {
    if (condition.column != InteractionColumn::kRelatedResource) {
      common::AddCondition(query, ColumnSql(condition.column), condition.match, condition.value);
      continue;
    }
    const std::string& value = std::get<std::string>(condition.value);
    constexpr char kExists[] =
        "EXISTS (SELECT 1 FROM interaction_related_resources r WHERE r.interaction_id = i.id AND "
        "r.resource ";
    switch (condition.match) {
      case common::Match::kNotEqual:
        query.Add(absl::StrCat(" AND NOT ", kExists, "= ?)"), {value});
        break;
      case common::Match::kPrefix:
        query.Add(absl::StrCat(" AND ", kExists, "LIKE ? ESCAPE '!')"),
                  {absl::StrCat(common::EscapeLike(value), "%")});
        break;
      default:  // = and : both mean "has this element"
        query.Add(absl::StrCat(" AND ", kExists, "= ?)"), {value});
        break;
    }
  }
}

// What goes into `details`: the repeated fields, which have no column.
std::string DetailsBytes(const v1::Interaction& interaction) {
  v1::Interaction details;
  *details.mutable_participants() = interaction.participants();
  *details.mutable_related_resources() = interaction.related_resources();
  return details.SerializeAsString();
}

absl::StatusOr<StoredInteraction> ReadInteraction(const sql::ResultSet& row) {
  StoredInteraction stored;
  stored.id = row.getInt64("id");
  stored.customer_id = row.getInt64("customer_id");
  stored.version = row.getInt64("version");
  v1::Interaction& interaction = stored.interaction;
  if (!interaction.ParseFromString(common::ReadString(row, "details"))) {
    return absl::InternalError("stored interaction details are unreadable");
  }
  interaction.set_name(common::FormatNestedResourceName(
      {{"customers", stored.customer_id}, {"interactions", stored.id}}));
  interaction.set_channel(static_cast<v1::InteractionChannel>(row.getInt("channel")));
  interaction.set_direction(static_cast<v1::InteractionDirection>(row.getInt("direction")));
  interaction.set_subject(common::ReadString(row, "subject"));
  interaction.set_summary(common::ReadString(row, "summary"));
  interaction.set_sentiment(static_cast<v1::Sentiment>(row.getInt("sentiment")));
  interaction.set_employee(common::ReadString(row, "employee"));
  interaction.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"occur_time", interaction.mutable_occur_time()},
           {"create_time", interaction.mutable_create_time()},
           {"update_time", interaction.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> deleted =
      common::ReadOptionalTimestamp(row, "delete_time");
  if (!deleted.ok()) return deleted.status();
  if (deleted->has_value()) *interaction.mutable_delete_time() = **deleted;
  return stored;
}

absl::StatusOr<std::optional<StoredInteraction>> SelectInteraction(sql::Connection& connection,
                                                                   int64_t customer_id, int64_t id,
                                                                   bool for_update) {
  SqlQuery query;
  query.Add(
      absl::StrCat("SELECT ", kColumns, " FROM interactions i WHERE i.id = ? AND i.customer_id = ?",
                   for_update ? " FOR UPDATE" : ""),
      {id, customer_id});
  return common::QueryOptionalRow(connection, query, ReadInteraction);
}

// The columns an interaction writes, bound in this order by BindInteraction.
constexpr char kWrittenColumns[] =
    "channel = ?, direction = ?, subject = ?, summary = ?, sentiment = ?, occur_time = ?, "
    "employee = ?, details = ?, create_time = ?, update_time = ?, delete_time = ?";
constexpr int kWrittenColumnCount = 11;

void BindInteraction(sql::PreparedStatement& statement, const v1::Interaction& interaction,
                     std::istringstream& details) {
  statement.setInt(1, interaction.channel());
  statement.setInt(2, interaction.direction());
  statement.setString(3, interaction.subject());
  statement.setString(4, interaction.summary());
  statement.setInt(5, interaction.sentiment());
  statement.setString(6, common::SqlTime(interaction.occur_time()));
  statement.setString(7, interaction.employee());
  statement.setBlob(8, &details);
  statement.setString(9, common::SqlTime(interaction.create_time()));
  statement.setString(10, common::SqlTime(interaction.update_time()));
  if (interaction.has_delete_time()) {
    statement.setString(11, common::SqlTime(interaction.delete_time()));
  } else {
    statement.setNull(11, sql::DataType::TIMESTAMP);
  }
}

// Rewrites the related-resource index rows of interaction `id`.
void WriteRelatedResources(sql::Connection& connection, int64_t id,
                           const v1::Interaction& interaction) {
  SqlQuery clear;
  clear.Add("DELETE FROM interaction_related_resources WHERE interaction_id = ?", {id});
  common::Execute(connection, clear);
  if (interaction.related_resources().empty()) return;
  SqlQuery insert;
  insert.Add(
      "INSERT INTO interaction_related_resources (interaction_id, position, resource) VALUES ");
  for (int i = 0; i < interaction.related_resources_size(); ++i) {
    insert.Add(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)",
               {id, int64_t{i}, interaction.related_resources(i)});
  }
  common::Execute(connection, insert);
}

class MySqlInteractionStore final : public InteractionStore {
 public:
  explicit MySqlInteractionStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<ParentCustomer>> LockParentCustomer(int64_t customer_id) override {
    return SelectParentCustomer(connection_, customer_id, /*share_lock=*/true);
  }

  absl::StatusOr<std::optional<StoredInteraction>> LockInteraction(int64_t customer_id,
                                                                   int64_t id) override {
    return SelectInteraction(connection_, customer_id, id, /*for_update=*/true);
  }

  absl::StatusOr<StoredInteraction> InsertInteraction(int64_t customer_id,
                                                      const v1::Interaction& interaction) override {
    common::CachedStatement statement = common::PrepareCached(
        connection_, absl::StrCat("INSERT INTO interactions SET ", kWrittenColumns,
                                  ", customer_id = ?, version = 1"));
    std::istringstream details(DetailsBytes(interaction));
    BindInteraction(*statement, interaction, details);
    statement->setInt64(kWrittenColumnCount + 1, customer_id);
    statement->executeUpdate();
    const int64_t id = common::LastInsertId(connection_);
    WriteRelatedResources(connection_, id, interaction);
    return Reread(customer_id, id);
  }

  absl::StatusOr<StoredInteraction> UpdateInteraction(int64_t customer_id, int64_t id,
                                                      const v1::Interaction& interaction,
                                                      int64_t expected_version) override {
    common::CachedStatement statement = common::PrepareCached(
        connection_,
        absl::StrCat("UPDATE interactions SET ", kWrittenColumns,
                     ", version = version + 1 WHERE id = ? AND customer_id = ? AND version = ?"));
    std::istringstream details(DetailsBytes(interaction));
    BindInteraction(*statement, interaction, details);
    statement->setInt64(kWrittenColumnCount + 1, id);
    statement->setInt64(kWrittenColumnCount + 2, customer_id);
    statement->setInt64(kWrittenColumnCount + 3, expected_version);
    if (statement->executeUpdate() != 1) {
      return absl::AbortedError(
          absl::StrCat(interaction.name(), " was modified concurrently; re-read and retry"));
    }
    WriteRelatedResources(connection_, id, interaction);
    return Reread(customer_id, id);
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<StoredInteraction> Reread(int64_t customer_id, int64_t id) {
    absl::StatusOr<std::optional<StoredInteraction>> stored =
        SelectInteraction(connection_, customer_id, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("interaction vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
};

}  // namespace

MySqlInteractionRepository::MySqlInteractionRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlInteractionRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(InteractionStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlInteractionStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlInteractionRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(InteractionStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlInteractionStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<ParentCustomer>> MySqlInteractionRepository::GetParentCustomer(
    absl::Time deadline, int64_t customer_id) {
  return ReadParentCustomer(pool_, deadline, customer_id);
}

absl::StatusOr<std::optional<StoredInteraction>> MySqlInteractionRepository::GetInteraction(
    absl::Time deadline, int64_t customer_id, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredInteraction>> {
        return SelectInteraction(c, customer_id, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredInteraction>> MySqlInteractionRepository::ListInteractions(
    absl::Time deadline, const InteractionListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kColumns, " FROM interactions i WHERE TRUE"));
  if (list.customer_id.has_value()) query.Add(" AND i.customer_id = ?", {*list.customer_id});
  if (!list.show_deleted) query.Add(" AND i.delete_time IS NULL");
  AddFilter(query, list.conditions);
  const std::string sort =
      list.order == InteractionOrder::kOccurTime ? "i.occur_time" : "i.create_time";
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND i.id", after, "))"),
              {list.after->sort_value, list.after->sort_value, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", i.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});

  return common::ReadRows(pool_, deadline, query, ReadInteraction);
}

}  // namespace crm::customer
