#include "customer_svc/repository/mysql_feedback_repository.h"

#include <cppconn/resultset.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "customer_svc/repository/mysql_parent_customer.h"

namespace crm::customer {
namespace {

using common::SqlQuery;
using common::SqlValue;

constexpr char kFeedbackColumns[] =
    "f.id, f.customer_id, f.kind, f.score, f.comment, f.nps_category, f.subject, f.respond_time, "
    "f.create_time";

std::string_view FeedbackColumnSql(FeedbackColumn column) {
  switch (column) {
    case FeedbackColumn::kKind:
      return "f.kind";
    case FeedbackColumn::kScore:
      return "f.score";
    case FeedbackColumn::kNpsCategory:
      return "f.nps_category";
    case FeedbackColumn::kSubject:
      return "f.subject";
    case FeedbackColumn::kRespondTime:
      return "f.respond_time";
  }
  return "NULL";
}

absl::StatusOr<StoredFeedback> ReadFeedback(const sql::ResultSet& row) {
  StoredFeedback stored;
  stored.id = row.getInt64("id");
  v1::Feedback& f = stored.feedback;
  f.set_name(common::FormatNestedResourceName(
      {{"customers", row.getInt64("customer_id")}, {"feedback", stored.id}}));
  f.set_kind(static_cast<v1::FeedbackKind>(row.getInt("kind")));
  f.set_score(row.getInt("score"));
  f.set_comment(common::ReadString(row, "comment"));
  f.set_nps_category(static_cast<v1::NpsCategory>(row.getInt("nps_category")));
  f.set_subject(common::ReadString(row, "subject"));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"respond_time", f.mutable_respond_time()}, {"create_time", f.mutable_create_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  return stored;
}

absl::StatusOr<std::optional<StoredFeedback>> SelectFeedback(sql::Connection& connection,
                                                             int64_t customer_id, int64_t id) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kFeedbackColumns,
                         " FROM feedback f WHERE f.id = ? AND f.customer_id = ?"),
            {id, customer_id});
  return common::QueryOptionalRow(connection, query, ReadFeedback);
}

class MySqlFeedbackStore final : public FeedbackStore {
 public:
  explicit MySqlFeedbackStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<bool>> LockCustomerDeleted(int64_t customer_id) override {
    std::optional<ParentCustomer> customer =
        SelectParentCustomer(connection_, customer_id, /*share_lock=*/true);
    if (!customer.has_value()) return std::nullopt;
    return customer->deleted;
  }

  absl::StatusOr<StoredFeedback> InsertFeedback(int64_t customer_id,
                                                const v1::Feedback& f) override {
    absl::StatusOr<std::optional<StoredFeedback>> stored =
        SelectFeedback(connection_, customer_id, InsertFeedbackRow(connection_, customer_id, f));
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("inserted feedback vanished");
    return **std::move(stored);
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  sql::Connection& connection_;
};

}  // namespace

int64_t InsertFeedbackRow(sql::Connection& connection, int64_t customer_id,
                          const v1::Feedback& f) {
  SqlQuery insert;
  insert.Add(
      "INSERT INTO feedback (customer_id, kind, score, comment, nps_category, subject, "
      "respond_time, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {customer_id, int64_t{f.kind()}, int64_t{f.score()}, f.comment(), int64_t{f.nps_category()},
       f.subject(), common::SqlTime(f.respond_time()), common::SqlTime(f.create_time())});
  common::Execute(connection, insert);
  return common::LastInsertId(connection);
}

MySqlFeedbackRepository::MySqlFeedbackRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::StatusOr<std::string> MySqlFeedbackRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(FeedbackStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlFeedbackStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredFeedback>> MySqlFeedbackRepository::GetFeedback(
    absl::Time deadline, int64_t customer_id, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredFeedback>> {
        return SelectFeedback(c, customer_id, id);
      });
}

absl::StatusOr<std::vector<StoredFeedback>> MySqlFeedbackRepository::ListFeedback(
    absl::Time deadline, const FeedbackListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kFeedbackColumns, " FROM feedback f WHERE TRUE"));
  if (list.customer_id.has_value()) query.Add(" AND f.customer_id = ?", {*list.customer_id});
  common::AddConditions(query, list.conditions, &FeedbackColumnSql);
  const std::string sort = list.order == FeedbackOrder::kScore ? "f.score" : "f.respond_time";
  const char* op = list.descending ? "<" : ">";
  if (list.after_sort_value.has_value()) {
    int64_t score = 0;
    SqlValue value =
        list.order == FeedbackOrder::kScore && absl::SimpleAtoi(*list.after_sort_value, &score)
            ? SqlValue(score)
            : SqlValue(*list.after_sort_value);
    query.Add(absl::StrCat(" AND (", sort, " ", op, " ? OR (", sort, " = ? AND f.id ", op, " ?))"),
              {value, value, list.after_id});
  }
  const char* direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", f.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  return common::ReadRows(pool_, deadline, query, ReadFeedback);
}

absl::StatusOr<FeedbackCounts> MySqlFeedbackRepository::CountFeedback(
    absl::Time deadline, const FeedbackSummaryQuery& summary) {
  SqlQuery query;
  query.Add(
      "SELECT CAST(COALESCE(SUM(f.kind = ?), 0) AS SIGNED) AS nps_responses, "
      "CAST(COALESCE(SUM(f.kind = ? AND f.nps_category = ?), 0) AS SIGNED) AS promoters, "
      "CAST(COALESCE(SUM(f.kind = ? AND f.nps_category = ?), 0) AS SIGNED) AS passives, "
      "CAST(COALESCE(SUM(f.kind = ? AND f.nps_category = ?), 0) AS SIGNED) AS detractors, "
      "CAST(COALESCE(SUM(f.kind = ?), 0) AS SIGNED) AS csat_responses, "
      "CAST(COALESCE(SUM(IF(f.kind = ?, f.score, 0)), 0) AS SIGNED) AS csat_sum, "
      "CAST(COALESCE(SUM(f.kind = ? AND f.score >= 4), 0) AS SIGNED) AS csat_satisfied "
      "FROM feedback f WHERE TRUE",
      {int64_t{v1::FEEDBACK_KIND_NPS}, int64_t{v1::FEEDBACK_KIND_NPS},
       int64_t{v1::NPS_CATEGORY_PROMOTER}, int64_t{v1::FEEDBACK_KIND_NPS},
       int64_t{v1::NPS_CATEGORY_PASSIVE}, int64_t{v1::FEEDBACK_KIND_NPS},
       int64_t{v1::NPS_CATEGORY_DETRACTOR}, int64_t{v1::FEEDBACK_KIND_CSAT},
       int64_t{v1::FEEDBACK_KIND_CSAT}, int64_t{v1::FEEDBACK_KIND_CSAT}});
  if (summary.customer_id.has_value()) query.Add(" AND f.customer_id = ?", {*summary.customer_id});
  if (summary.start.has_value()) {
    query.Add(" AND f.respond_time >= ?", {common::FormatMysqlDatetime(*summary.start)});
  }
  if (summary.end.has_value()) {
    query.Add(" AND f.respond_time < ?", {common::FormatMysqlDatetime(*summary.end)});
  }
  common::AddConditions(query, summary.conditions, &FeedbackColumnSql);
  FeedbackCounts counts;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult row = common::Query(c, query);
    if (!row->next()) return absl::OkStatus();
    counts.nps_responses = row->getInt64("nps_responses");
    counts.promoters = row->getInt64("promoters");
    counts.passives = row->getInt64("passives");
    counts.detractors = row->getInt64("detractors");
    counts.csat_responses = row->getInt64("csat_responses");
    counts.csat_score_sum = row->getInt64("csat_sum");
    counts.csat_satisfied = row->getInt64("csat_satisfied");
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return counts;
}

}  // namespace crm::customer
