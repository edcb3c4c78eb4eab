//! The trait implementations every validated text type shares, written once.

/// Implements `FromStr`, `TryFrom<&str>` and, with feature `serde`, a
/// `Deserialize` that calls `parse` (and a `Serialize` that writes the
/// `Display` form, unless the type is marked `secret`).
macro_rules! impl_text_type {
    ($ty:ty, $what:literal) => {
        $crate::macros::impl_text_type!(@parse $ty, $what);
        #[cfg(feature = "serde")]
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    };
    (secret $ty:ty, $what:literal) => {
        $crate::macros::impl_text_type!(@parse $ty, $what);
    };
    (@parse $ty:ty, $what:literal) => {
        impl core::str::FromStr for $ty {
            type Err = $crate::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = $crate::Error;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                <$ty>::parse(s)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visit;
                impl serde::de::Visitor<'_> for Visit {
                    type Value = $ty;
                    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        // The error names a reason and an offset, never the input.
                        <$ty>::parse(v).map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visit)
            }
        }
    };
}

pub(crate) use impl_text_type;
