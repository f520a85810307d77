//! Canonical identifier enums: every domain word the interfaces use
//! (`website`, `particularly_serious`, `evaluation_passed`, ...) is a variant
//! here, spelled once.

/// Declares a fieldless enum whose serde form, `Display` and `FromStr` are
/// the canonical snake_case id, with `ALL` listing the variants in order.
#[macro_export]
macro_rules! id_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $id:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $id)] $variant),+
        }

        impl $name {
            /// Every variant, in canonical order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical ids, in the same order as `ALL`.
            pub const IDS: &'static [&'static str] = &[$($id),+];

            /// The canonical id, as written in files and JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $id),+
                }
            }

            /// The canonical ids, comma separated, for error messages.
            pub fn expected() -> String {
                Self::IDS.join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($id => Ok($name::$variant),)+
                    _ => Err(format!("unknown value {s:?}, expected one of: {}", Self::expected())),
                }
            }
        }
    };
}
