// The video widget: video calls with local and remote tiles (call-widget.js).
import {startCallWidget} from './call-widget.js';

startCallWidget('video');
