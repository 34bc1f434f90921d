// The dashboard's static files (src/dashboard/), embedded into the binary at build time by
// src/dashboard/embed_assets.cmake, so `stepguard serve` needs no files beside it and the
// page loads nothing from the internet.
#pragma once

#include <string_view>

namespace sg::cli {

struct DashboardAsset {
  std::string_view name;          // file name, e.g. "app.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;
};

// nullptr when there is no such file.
const DashboardAsset* find_dashboard_asset(std::string_view name);

}  // namespace sg::cli
