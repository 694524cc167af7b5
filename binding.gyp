{
  "targets": [
    {
      "target_name": "millrace",
      "sources": [
        "native/addon.cc",
        "native/crc32c.cc",
        "native/md5_batch.cc",
        "native/base64.cc",
        "native/route_packed.cc",
        "native/io_backend.cc",
        "native/io_service.cc",
        "native/segment.cc",
        "native/log.cc",
        "native/log_wrap.cc",
        "native/aead.cc",
        "native/batch_seal.cc",
        "native/zero_fill.cc",
        "native/sockets.cc",
        "native/process_exec.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=9", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++20", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers", "-fexceptions"],
      "conditions": [
        ["OS!='linux'", { "defines": ["MR_NO_IO_URING"] }]
      ]
    }
  ]
}
