#ifndef CRM_COMMON_API_PAGING_H_
#define CRM_COMMON_API_PAGING_H_

#include <vector>

namespace crm::common {

// Keyset paging asks the repository for page_size + 1 rows: a row beyond the
// page means there is a next page. Trims `rows` to `page_size` and says
// whether there was such a row (the caller then encodes the next page token
// from rows.back()).
template <typename Row>
bool TrimToPage(std::vector<Row>& rows, int page_size) {
  const bool more = static_cast<int>(rows.size()) > page_size;
  if (more) rows.resize(page_size);
  return more;
}

}  // namespace crm::common

#endif  // CRM_COMMON_API_PAGING_H_
