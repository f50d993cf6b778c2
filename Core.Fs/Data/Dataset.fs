namespace Seagull

module internal Placeholder_Data_Dataset =
    let internal pending = ()
