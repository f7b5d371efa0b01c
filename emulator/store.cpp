#include "store.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <boost/json.hpp>

#include "values.hpp"

namespace emu {
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 6> kStatuses = {
    "active", "completed", "paused", "archived", "pending-approval", "canceled"};
constexpr std::array<std::string_view, 4> kTaskTypes = {
    "image-annotation", "video-annotation", "point-cloud-annotation", "point-cloud-objects"};
constexpr std::array<std::string_view, 4> kDataTypes = {"image", "video", "lidar", "mcap"};
constexpr std::array<std::string_view, 3> kDatasetStatuses = {"ready", "processing", "created"};

// Salts keep the uids of each seeded resource apart (see stable_uid).
constexpr std::uint64_t kTaskSalt = 1ull << 32;
constexpr std::uint64_t kDatasetSalt = 2ull << 32;

// Every loader returns through here: indexes are built once all objects are in.
Store finished(Store store) {
    for (Collection Store::*c : {&Store::projects, &Store::tasks, &Store::datasets})
        (store.*c).build_indexes();
    return store;
}

// Adds a json::object, taking its filter values from its own fields (a
// non-string field has no value: filtering on it never matches).
void add_object(Collection& c, const json::object& o) {
    std::vector<std::string_view> values;
    for (const auto& f : c.filters()) {
        const auto* v = o.if_contains(f.name);
        values.push_back(v && v->is_string() ? std::string_view(v->get_string()) : "");
    }
    const auto& uid = o.at("uid").get_string();
    if (!c.add(uid, json::serialize(o), values))
        throw std::runtime_error("repeats uid \"" + std::string(uid) + "\"");
}

struct DemoProject {
    std::string_view name;
    std::string_view status;
    std::string_view task_type;
    std::string_view visibility;
    std::string_view icon;  // empty means null
    std::string_view description;
};

// Physical-AI themed demo projects, two or three per status.
constexpr DemoProject kDemo[] = {
    {"Warehouse forklift detection", "active", "image-annotation", "private", "warehouse",
     "Bounding boxes for forklifts, pallets and workers in warehouse CCTV."},
    {"Lidar pedestrian segmentation", "active", "point-cloud-annotation", "private",
     "automotive", "Per-point pedestrian labels on 64-beam urban lidar sweeps."},
    {"Robot arm grasp keypoints", "active", "video-annotation", "public", "robotics",
     "Gripper and object keypoints across pick-and-place episodes."},
    {"Sidewalk delivery robot obstacles", "completed", "video-annotation", "private",
     "robotics", "Tracked obstacles from a sidewalk robot's front cameras."},
    {"Drone power-line inspection", "completed", "image-annotation", "public", "energy",
     "Insulator and conductor defects in drone inspection photos."},
    {"Autonomous tractor row tracking", "completed", "point-cloud-objects", "private",
     "agriculture", "3D boxes for crop rows and field obstacles."},
    {"Humanoid hand pose estimation", "paused", "video-annotation", "private", "robotics",
     "21-point hand skeletons for teleoperation demonstrations."},
    {"Parcel sorting conveyor defects", "paused", "image-annotation", "private", "",
     "Damaged and mislabeled parcels on a sorting line."},
    {"Indoor AMR floor mapping", "archived", "point-cloud-annotation", "public", "warehouse",
     "Floor, rack and dock segmentation for autonomous mobile robots."},
    {"Traffic cone 3D boxes", "archived", "point-cloud-objects", "private", "automotive",
     "Cuboids for cones and barrels in highway work zones."},
    {"Construction site excavator tracking", "pending-approval", "video-annotation",
     "private", "construction", "Excavator and worker tracks from site cameras."},
    {"Retail shelf restocking robot", "pending-approval", "image-annotation", "private", "",
     "Product facings and gaps seen by a shelf-scanning robot."},
    {"Underwater ROV pipeline survey", "canceled", "video-annotation", "private", "energy",
     "Pipeline anomalies in ROV survey footage."},
    {"Mining haul truck lidar objects", "canceled", "point-cloud-objects", "private",
     "mining", "Vehicles and berms around autonomous haul trucks."},
};

// The task statuses a demo project holds, by project status: an active
// project is a mix, a completed one is done, and so on.
std::vector<std::string_view> demo_task_statuses(std::string_view project_status) {
    if (project_status == "active")
        return {"completed", "completed", "in_progress", "pending", "rejected"};
    if (project_status == "completed") return {"completed", "completed", "completed", "completed"};
    if (project_status == "paused") return {"completed", "in_progress", "pending"};
    if (project_status == "archived") return {"completed", "completed", "rejected"};
    if (project_status == "pending-approval") return {"pending", "pending", "pending"};
    return {"rejected", "pending", "in_progress"};  // canceled
}

// "Image batch 003" and the like, after what a task of that type holds.
std::string demo_task_name(std::string_view task_type, std::size_t n) {
    std::string_view noun = task_type == "image-annotation"         ? "Image batch"
                            : task_type == "video-annotation"       ? "Clip"
                            : task_type == "point-cloud-annotation" ? "Sweep"
                                                                    : "Scene";
    char num[8];
    std::snprintf(num, sizeof num, " %03zu", n);
    return std::string(noun) + num;
}

struct DemoDataset {
    std::string_view name, slug, status, data_type, visibility;
    std::int64_t item_count;
    bool is_sequence;
};

constexpr DemoDataset kDemoDatasets[] = {
    {"Warehouse CCTV frames", "warehouse-cctv-frames", "ready", "image", "private", 12840, false},
    {"Urban lidar sweeps", "urban-lidar-sweeps", "ready", "lidar", "private", 3210, true},
    {"Pick-and-place episodes", "pick-and-place-episodes", "processing", "mcap", "public", 640,
     true},
};

}  // namespace

Store seed_store() {
    Store store;
    std::int64_t t = kEpoch2024 + 9 * 3600;
    std::uint64_t n = 0, task_n = 0;
    for (const auto& d : kDemo) {
        ++n;
        t += 86400 * 11 + 3600 * 5 + 60 * 17;  // roughly every eleven days
        json::object o;
        std::string uid = stable_uid(n);
        o["uid"] = uid;
        o["name"] = d.name;
        o["status"] = d.status;
        o["created_at"] = time_string(t);
        o["updated_at"] = time_string(t + 86400 * 3 + 1234);
        o["task_type"] = d.task_type;
        o["is_active"] = d.status == "active";
        o["visibility"] = d.visibility;
        o["is_imported"] = n % 4 == 0;
        o["owner_name"] = "avala-demo";
        o["short_description"] = d.description;
        if (d.icon.empty())
            o["industry_icon"] = nullptr;
        else
            o["industry_icon"] = d.icon;
        add_object(store.projects, o);

        std::size_t k = 0;
        for (std::string_view status : demo_task_statuses(d.status)) {
            ++task_n, ++k;
            std::int64_t created = t + 3600 * std::int64_t(k);
            json::object task;
            task["uid"] = stable_uid(task_n, kTaskSalt);
            task["type"] = d.task_type;
            task["name"] = demo_task_name(d.task_type, k);
            task["status"] = status;
            task["project"] = uid;
            task["created_at"] = time_string(created);
            task["updated_at"] = time_string(created + (status == "pending" ? 0 : 86400 + 977));
            add_object(store.tasks, task);
        }
    }

    std::uint64_t dn = 0;
    for (const auto& d : kDemoDatasets) {
        ++dn;
        std::int64_t created = kEpoch2024 + 86400 * 20 * std::int64_t(dn);
        json::object o;
        o["uid"] = stable_uid(dn, kDatasetSalt);
        o["name"] = d.name;
        o["slug"] = d.slug;
        o["item_count"] = d.item_count;
        o["status"] = d.status;
        o["data_type"] = d.data_type;
        o["is_sequence"] = d.is_sequence;
        o["visibility"] = d.visibility;
        o["created_at"] = time_string(created);
        o["updated_at"] = time_string(created + 86400 * 2 + 311);
        add_object(store.datasets, o);
    }
    return finished(std::move(store));
}

namespace {

// Appends `v` in decimal, zero-padded to at least `width` digits.
void append_number(std::string& out, std::uint64_t v, int width = 0) {
    char digits[24];
    auto [p, ec] = std::to_chars(digits, digits + sizeof digits, v);
    (void)ec;  // 24 chars always hold a uint64
    for (int pad = width - int(p - digits); pad > 0; --pad) out.push_back('0');
    out.append(digits, p);
}

// Generated uids: "00000000-0000-4000-<variant>-<index as 12 hex digits>", so
// a test can compute the uid of the n-th object of each kind.
void append_generated_uid(std::string& out, std::string_view variant, std::uint64_t i) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += "00000000-0000-4000-";
    out += variant;
    out.push_back('-');
    for (int shift = 44; shift >= 0; shift -= 4) out.push_back(kHex[(i >> shift) & 15]);
}

// Builders append JSON by hand rather than through json::object or snprintf:
// a million tasks must take well under a second or two. Every value is ASCII
// we control, so nothing needs escaping.
void append_field(std::string& j, std::string_view name, std::string_view text) {
    j += j.size() == 1 ? "\"" : ",\"";
    j += name;
    j += "\":\"";
    j += text;
    j.push_back('"');
}

void append_raw(std::string& j, std::string_view name, std::string_view literal) {
    j += j.size() == 1 ? "\"" : ",\"";
    j += name;
    j += "\":";
    j += literal;
}

void generate_projects(Collection& out, std::size_t count) {
    out.reserve(count);
    TimeBuf created, updated;
    std::string j, uid, name;  // scratch, reused: the arena copies what is kept
    for (std::size_t i = 1; i <= count; ++i) {
        std::int64_t t = kEpoch2024 + std::int64_t(i) * 60;
        format_time(t, created);
        format_time(t + 3600, updated);
        std::string_view status = kStatuses[(i - 1) % kStatuses.size()];
        uid.clear();
        append_generated_uid(uid, "8000", i);
        j = "{";
        append_field(j, "uid", uid);
        name = "Project ";
        append_number(name, i, 6);
        append_field(j, "name", name);
        append_field(j, "status", status);
        append_field(j, "created_at", created);
        append_field(j, "updated_at", updated);
        append_field(j, "task_type", kTaskTypes[(i - 1) % kTaskTypes.size()]);
        append_raw(j, "is_active", status == "active" ? "true" : "false");
        append_field(j, "visibility", i % 3 == 0 ? "public" : "private");
        append_raw(j, "is_imported", i % 5 == 0 ? "true" : "false");
        append_field(j, "owner_name", "emulator");
        name = "Generated project ";
        append_number(name, i);
        append_field(j, "short_description", name);
        append_raw(j, "industry_icon", i % 7 == 0 ? "null" : "\"robotics\"");
        j += "}";
        out.add(uid, j);
    }
}

// A believable mix that differs from project to project: about 20% pending,
// 20% in progress, 50% completed, 10% rejected, from a hash of the index.
std::string_view generated_task_status(std::uint64_t i) {
    unsigned bucket = unsigned((i * 0x9E3779B97F4A7C15ull) >> 59);  // 0..31
    if (bucket < 6) return "pending";
    if (bucket < 13) return "in_progress";
    if (bucket < 29) return "completed";
    return "rejected";
}

void generate_tasks(Collection& out, std::size_t count, std::size_t projects) {
    out.reserve(count);
    TimeBuf created, updated;
    std::string j, uid, project, name;
    for (std::size_t i = 1; i <= count; ++i) {
        std::size_t p = (i - 1) % projects + 1;  // round-robin, so every project gets tasks
        std::string_view status = generated_task_status(i);
        std::int64_t t = kEpoch2024 + 86400 + std::int64_t(i) * 3;
        format_time(t, created);
        format_time(t + (status == "pending" ? 0 : 600), updated);
        uid.clear();
        append_generated_uid(uid, "9000", i);
        project.clear();
        append_generated_uid(project, "8000", p);
        j = "{";
        append_field(j, "uid", uid);
        append_field(j, "type", kTaskTypes[(p - 1) % kTaskTypes.size()]);
        name = "Task ";
        append_number(name, i, 7);
        append_field(j, "name", name);
        append_field(j, "status", status);
        append_field(j, "project", project);
        append_field(j, "created_at", created);
        append_field(j, "updated_at", updated);
        j += "}";
        const std::string_view values[] = {project, status};
        out.add(uid, j, values);
    }
}

void generate_datasets(Collection& out, std::size_t count) {
    out.reserve(count);
    TimeBuf created, updated;
    std::string j, uid, name, slug, items;
    for (std::size_t i = 1; i <= count; ++i) {
        std::int64_t t = kEpoch2024 + std::int64_t(i) * 3600;
        format_time(t, created);
        format_time(t + 7200, updated);
        std::string_view data_type = kDataTypes[(i - 1) % kDataTypes.size()];
        std::string_view status = kDatasetStatuses[(i - 1) % kDatasetStatuses.size()];
        std::string_view visibility = i % 3 == 0 ? "public" : "private";
        uid.clear();
        append_generated_uid(uid, "a000", i);
        name = "Dataset ";
        append_number(name, i, 6);
        slug = "dataset-";
        append_number(slug, i, 6);
        items.clear();
        append_number(items, (i * 7919) % 20000);
        j = "{";
        append_field(j, "uid", uid);
        append_field(j, "name", name);
        append_field(j, "slug", slug);
        append_raw(j, "item_count", items);
        append_field(j, "status", status);
        append_field(j, "data_type", data_type);
        append_raw(j, "is_sequence", data_type == "image" ? "false" : "true");
        append_field(j, "visibility", visibility);
        append_field(j, "created_at", created);
        append_field(j, "updated_at", updated);
        j += "}";
        const std::string_view values[] = {data_type, status, visibility, name};
        out.add(uid, j, values);
    }
}

}  // namespace

Store generate_store(const GenerateSpec& spec) {
    std::size_t projects = spec.projects.value_or(0), tasks = spec.tasks.value_or(0);
    if (tasks > 0 && projects == 0)
        throw std::invalid_argument("tasks=" + std::to_string(tasks) +
                                    " needs projects=N (N >= 1)");
    Store store;
    generate_projects(store.projects, projects);
    generate_tasks(store.tasks, tasks, projects);
    generate_datasets(store.datasets, spec.datasets.value_or(0));
    return finished(std::move(store));
}

namespace {

// Fills `out` from a JSON array of objects, each with a non-empty string uid.
void load_collection(const json::value& v, std::string_view name, Collection& out) {
    const auto* arr = v.if_array();
    if (!arr) throw std::runtime_error("\"" + std::string(name) + "\" must be an array");
    out.reserve(arr->size());
    std::size_t i = 0;
    for (const auto& item : *arr) {
        std::string where = std::string(name) + "[" + std::to_string(i++) + "]";
        const auto* obj = item.if_object();
        if (!obj) throw std::runtime_error(where + " is not an object");
        const auto* uid = obj->if_contains("uid");
        if (!uid || !uid->is_string() || uid->get_string().empty())
            throw std::runtime_error(where + " has no string \"uid\"");
        try {
            add_object(out, *obj);
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(where + " " + e.what());
        }
    }
}

}  // namespace

Store load_store(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();

    json::error_code ec;
    json::value root = json::parse(text.str(), ec);
    if (ec) throw std::runtime_error(path + ": invalid JSON: " + ec.message());
    const auto* obj = root.if_object();
    if (!obj) throw std::runtime_error(path + ": top level must be an object");

    // One entry per resource the file may hold; a typo is an error, not silence.
    struct Section {
        std::string_view key;
        Collection Store::*collection;
    };
    static constexpr Section kSections[] = {
        {"projects", &Store::projects}, {"tasks", &Store::tasks}, {"datasets", &Store::datasets}};

    Store store;
    for (const auto& [key, value] : *obj) {
        const Section* section = nullptr;
        for (const auto& s : kSections)
            if (s.key == key) section = &s;
        if (!section)
            throw std::runtime_error(path + ": unknown key \"" + std::string(key) +
                                     "\" (known: projects, tasks, datasets)");
        try {
            load_collection(value, section->key, store.*(section->collection));
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(path + ": " + e.what());
        }
    }
    return finished(std::move(store));
}

}  // namespace emu
